"""hitl_widgets: review, edit and approve what a LangGraph agent wants to do, in Jupyter."""
